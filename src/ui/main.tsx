import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { listProtocols } from '../protocols/registry';
import { App } from './App';
import { installAutomation } from './automation';
import { connectKernel, openFragment } from './sim-bridge';
import { appStore } from './store';
import { storedTheme } from './theme';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('splitbrain: index.html has no #root element');

appStore.getState().setTheme(storedTheme());
connectKernel({ listProtocols }, appStore, {
  replace: (fragment) => history.replaceState(null, '', fragment),
});
installAutomation();
openFragment(location.hash);

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
