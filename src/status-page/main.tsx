/** The status page's entry point (issue 17; docs/status-page.md). */
import { render } from 'preact';
import { App } from './app.js';

const root = document.getElementById('app');
if (root !== null) render(<App />, root);
