// Example Bank's own script: nothing to fetch.
document.documentElement.dataset.app = 'ready';
