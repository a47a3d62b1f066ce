// Runs before the first paint: tells the stylesheet whether the static shell of today's screen
// matches the address (other screens show only the header until the app has loaded).
document.documentElement.dataset.home = location.hash === '' || location.hash === '#' || location.hash === '#/' ? '1' : '0';
