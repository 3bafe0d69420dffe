import './base.css';
import './reana.css';
import './zenodo.css';
import './rucio.css';
