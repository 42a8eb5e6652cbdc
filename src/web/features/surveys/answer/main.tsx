import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import AnswerPage from './AnswerPage';

// The answering page's own entry (answer.html, served at /s): React and this page only, so that
// a phone on a weak connection loads a few dozen kilobytes, not the workspace.
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AnswerPage />
  </StrictMode>,
);
