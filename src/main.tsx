// Entry point, kept tiny: the page first paints the static shell of index.html (styled, since the
// stylesheet is linked from the entry), then loads the app (React, Dexie and the screens).
import './styles.css';

requestAnimationFrame(() => setTimeout(() => void import('./boot')));
