// Testing Library matchers, cleanup between tests, and the browser APIs jsdom lacks.
import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';
import { useToast } from '../../src/features/common/toastStore';

// IndexedDB round trips (fake-indexeddb) on a loaded 2-core machine (CI runs several projects at
// once) can take longer than Testing Library's 1 s default: waiting longer changes no assertion.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
  // The toast store outlives a test's render: a confirmation left by one test must not stand for
  // the next test's (slower sealed writes made the next test find the previous toast first).
  useToast.getState().dismiss();
  window.location.hash = '';
});

window.scrollTo = () => {};
if (!('requestAnimationFrame' in window)) {
  (window as Window).requestAnimationFrame = (cb: FrameRequestCallback) => window.setTimeout(() => cb(0), 0);
}
