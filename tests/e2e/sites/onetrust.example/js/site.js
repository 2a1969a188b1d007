// The site's OneTrust hook for strict.html: OptanonWrapper (OneTrust calls it after loading and
// after each choice) in a file of its own, since the strict policy forbids inline scripts.
'use strict';
window.OptanonWrapper = function OptanonWrapper() {};
