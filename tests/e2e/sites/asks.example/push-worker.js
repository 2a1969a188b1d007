// The service worker asks.example registers before it subscribes to push messages (the
// permission-prompt tests); it handles nothing.
self.addEventListener('push', () => {});
