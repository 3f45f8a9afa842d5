import { startApp } from '../shell';
import { LineageApp } from './LineageApp';
import './lineage.css';

startApp(<LineageApp />);
