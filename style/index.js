import './base.css';
import './common.css';
import './reana.css';
import './zenodo.css';
import './rucio.css';
