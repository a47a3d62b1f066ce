import { describe, expect, it } from 'vitest';
import { normalizeForSearch, orderDurations, recentProcedureCodes, searchCatalogue } from '../../src/domain/usage';
import { SEED_PROCEDURES } from '../../src/domain/seed';

const catalogue = SEED_PROCEDURES.map((p) => ({ id: p.id, ...p.data }));

describe('duration chips', () => {
  it('offers the presets in order when she has no history', () => {
    expect(orderDurations([])).toEqual([15, 30, 45, 60, 90, 120]);
  });

  it('puts her frequent durations first, including her own custom ones', () => {
    const recent = [20, 45, 20, 45, 45, 30].map((durationMinutes) => ({ durationMinutes }));
    expect(orderDurations(recent)).toEqual([45, 20, 15, 30, 60, 90, 120]);
  });

  it('breaks ties by the most recent use', () => {
    const recent = [60, 30, 30, 60].map((durationMinutes) => ({ durationMinutes }));
    expect(orderDurations(recent).slice(0, 2)).toEqual([60, 30]);
  });
});

describe('procedure catalogue', () => {
  it('lists recent procedure codes once each, newest first', () => {
    const recent = [
      { procedures: [{ code: 'carte_grise', domain: 'transports' as const, partner: 'interieur' as const }] },
      {
        procedures: [
          { code: 'ameli_compte', domain: 'social' as const, partner: 'cpam' as const },
          { code: 'carte_grise', domain: 'transports' as const, partner: 'interieur' as const },
        ],
      },
    ];
    expect(recentProcedureCodes(recent)).toEqual(['carte_grise', 'ameli_compte']);
  });

  it('finds procedures by any word typed, without accents or case', () => {
    expect(normalizeForSearch('Carte d’identité')).toBe('carte d identite');
    expect(searchCatalogue(catalogue, 'IDENTITE', []).map((p) => p.code)).toEqual(['carte_identite_passeport', 'la_poste']);
    expect(searchCatalogue(catalogue, 'caf loge', []).map((p) => p.code)).toEqual(['caf_logement']);
  });

  it('orders matches by her recent use first', () => {
    const codes = searchCatalogue(catalogue, 'carte', ['carte_grise']).map((p) => p.code);
    expect(codes[0]).toBe('carte_grise');
    expect(codes).toContain('carte_identite_passeport');
  });

  it('leaves inactive entries out', () => {
    const withInactive = catalogue.map((p) => (p.code === 'carte_grise' ? { ...p, active: false } : p));
    expect(searchCatalogue(withInactive, 'carte grise', []).map((p) => p.code)).toEqual([]);
  });
});
