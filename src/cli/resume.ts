import { stateCommand } from './suspend.js';

export const resumeCommand = stateCommand('resume');
