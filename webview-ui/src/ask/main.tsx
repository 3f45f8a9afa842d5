import { startApp } from '../shell';
import { AskApp } from './AskApp';
import './ask.css';

startApp(<AskApp />);
