import { startApp } from '../shell';
import { ProfileApp } from './ProfileApp';
import './profile.css';

startApp(<ProfileApp />);
