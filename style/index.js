import './base.css';
import './reana.css';
