// Runs before first paint (a blocking <script> in <head>) so a dark-mode user never sees a white
// flash. Same rule as src/lib/theme.tsx: the saved choice, else the system preference. A file, not
// inline, so a strict Content-Security-Policy (script-src 'self') still allows it.
(function () {
  var saved = null;
  try {
    saved = localStorage.getItem('pulse.theme');
  } catch (e) {
    // storage disabled: follow the system
  }
  var theme = saved === 'light' || saved === 'dark' ? saved : window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  var root = document.documentElement;
  root.dataset.theme = theme;
  root.classList.add(theme);
})();
