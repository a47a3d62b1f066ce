import { describe, expect, it } from 'vitest';
import { codeFromScan } from '../../src/features/settings/QrScanner';

describe('reading a scanned enrolment QR code', () => {
  it('takes the code from the app link the coordinator’s QR code holds, or a bare code', () => {
    expect(codeFromScan('http://192.168.1.20:8080/#/inscription/ABCD-EF23')).toBe('ABCD-EF23');
    expect(codeFromScan(' abcd-ef23 ')).toBe('ABCD-EF23');
    expect(codeFromScan('ABCDEF23')).toBe('ABCDEF23');
    expect(codeFromScan('https://example.org/promo')).toBeNull();
  });
});
