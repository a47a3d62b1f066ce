// Renders the whole app on a fresh database and counts the taps a user makes.
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../src/app/App';
import { db } from '../../src/db/database';

export async function freshDatabase(): Promise<void> {
  db.close();
  await db.delete();
  await db.open();
}

export function renderApp(hash = '#/') {
  window.location.hash = hash;
  const user = userEvent.setup();
  let taps = 0;
  const tap = async (element: Element) => {
    taps++;
    await user.click(element);
  };
  const view = render(<App />);
  return { user, tap, taps: () => taps, ...view };
}

export { screen };
