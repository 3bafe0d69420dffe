import './base.css';
import './rucio.css';
