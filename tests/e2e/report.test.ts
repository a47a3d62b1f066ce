// The coordinator's weekly report: the screen and the exported CSV tell the same numbers.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { addDays, isoWeekOf, lastCompleteWeek, parisDate, weekName, weekPeriod } from '../../src/domain/dates';
import { parseCsv } from '../../src/domain/csv';
import { accompaniment } from '../unit/fixtures';
import { axeViolations, loadUnderServiceWorker, openTablet, type Tablet } from './browser';

const baseUrl = inject('baseUrl');
const admin = { authorization: `Bearer ${inject('adminToken')}`, 'content-type': 'application/json' };
let tablet: Tablet;

beforeEach(async () => {
  tablet = await openTablet({ bypassCSP: true });
});
afterEach(async () => {
  await tablet.close();
});

async function api(method: string, url: string, body?: unknown) {
  const res = await fetch(`${baseUrl}${url}`, { method, headers: admin, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url} → ${res.status}`);
  return res.json();
}

describe('Bilan in Chromium', () => {
  it('shows the week, switches week, and exports a CSV with the same numbers', async () => {
    const { page } = tablet;
    const last = lastCompleteWeek(parisDate(new Date()));
    const lastMonday = weekPeriod(last).from;
    const before = addDays(lastMonday, -7);
    // A mediator's records, pushed by her tablet: 3 in the last complete week, 2 the week before.
    const { code: mediatorCode } = await api('POST', '/api/v1/enrolments', { role: 'mediator', name: `Inès ${randomUUID().slice(0, 6)}` });
    const mediator = await (
      await fetch(`${baseUrl}/api/v1/devices`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: mediatorCode, label: 'T' }),
      })
    ).json();
    const ops = [
      [lastMonday, 30, '34157'],
      [addDays(lastMonday, 2), 45, '34157'],
      [addDays(lastMonday, 4), 90, '34150'],
      [before, 15, '34108'],
      [addDays(before, 1), 60, '34108'],
    ].map(([date, durationMinutes, communeInsee]) => ({
      opId: randomUUID(),
      entity: 'accompaniment',
      id: randomUUID(),
      baseVersion: 0,
      deleted: false,
      data: accompaniment({
        permanenceId: null,
        placeType: 'agency',
        date: date as string,
        durationMinutes: durationMinutes as number,
        communeInsee: communeInsee as string,
      }),
    }));
    const pushed = await (
      await fetch(`${baseUrl}/api/v1/sync/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${mediator.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ops }),
      })
    ).json();
    expect(pushed.results.every((r: { status: string }) => r.status === 'applied')).toBe(true);

    // The coordinator enrols her tablet, which pulls everything.
    const { code } = await api('POST', '/api/v1/enrolments', { role: 'coordinator', name: `Coordination ${randomUUID().slice(0, 6)}` });
    await loadUnderServiceWorker(page, baseUrl);
    await page.goto(`${baseUrl}/#/inscription/${code}`);
    await page.getByLabel('Nom de cette tablette').fill('Tablette agence');
    await page.getByRole('button', { name: 'Inscrire', exact: true }).click();
    await page.getByText(/Synchronisé/).waitFor();

    await page.getByRole('link', { name: 'Bilan' }).click();
    await page.getByRole('heading', { name: new RegExp(`Semaine ${last.week} —`) }).waitFor();
    const total = (label: string) => page.getByTestId(`total-${label}`).textContent();
    // Other tests may have left records in other weeks; these two weeks are this test's own.
    expect(await total('Accompagnements')).toBe('3');
    expect(await total('Heures')).toBe('2,8');

    await page.getByRole('button', { name: 'Semaine précédente' }).click();
    const previousWeek = isoWeekOf(before);
    const previous = weekName(previousWeek);
    await page.getByRole('heading', { name: new RegExp(`Semaine ${previousWeek.week} —`) }).waitFor();
    const screen = {
      accompaniments: await total('Accompagnements'),
      people: await total('Personnes'),
      hours: await total('Heures'),
      permanences: await total('Permanences'),
    };
    expect(screen.accompaniments).toBe('2');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Exporter (CSV)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`relais_${previous}_bilan.csv`);
    const rows = parseCsv(readFileSync((await file.path())!, 'utf8'));
    const value = (label: string) => rows.find((r) => r[0] === label)?.[1];
    expect(value('Accompagnements')).toBe(screen.accompaniments);
    expect(value('Personnes accompagnées')).toBe(screen.people);
    expect(value('Permanences')).toBe(screen.permanences);
    expect(value('Temps d’accompagnement (heures)')).toBe(screen.hours);
    const communes = rows.slice(rows.findIndex((r) => r[0] === 'Par commune') + 2);
    expect(communes[0].slice(0, 3)).toEqual(['Frontignan', '0', '2']);

    // The coordinator's screens, with data, meet WCAG 2.1 AA as the mediator's do.
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'Réglages' }).click();
    await page.getByRole('list', { name: 'Appareils' }).getByRole('listitem').first().waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });
});
