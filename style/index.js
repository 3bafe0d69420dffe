import './base.css';
import './zenodo.css';
