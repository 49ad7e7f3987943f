import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { installApi } from './api/http-shim';
import { App } from './App';
import './styles/app.css';

// In Electron preload has already set window.junction; in the browser host the HTTP shim does.
installApi();

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
