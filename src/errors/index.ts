export { TagpilotError, describeError } from './tagpilot-error.js';
