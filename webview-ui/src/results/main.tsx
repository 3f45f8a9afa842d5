import { startApp } from '../shell';
import { App } from './App';
import './results.css';

startApp(<App />);
