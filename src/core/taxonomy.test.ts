import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.js';
import { countryName, DEFAULT_TAXONOMY, indexTaxonomy, ISO_COUNTRIES } from './taxonomy.js';

const index = indexTaxonomy();

describe('default taxonomy (DOMAIN.md §3)', () => {
  it('ships the fifteen data categories with the special ones marked', () => {
    expect(DEFAULT_TAXONOMY.categories.map((c) => c.code)).toEqual([
      'identity',
      'contact',
      'document',
      'address',
      'financial',
      'health',
      'biometric',
      'genetic',
      'location',
      'telematics',
      'education',
      'employment',
      'social',
      'criminal',
      'online',
    ]);
    expect(DEFAULT_TAXONOMY.categories.filter((c) => c.special).map((c) => c.code)).toEqual([
      'health',
      'biometric',
      'genetic',
      'criminal',
    ]);
  });

  it('has codes that fit the narrowest columns storing them on PostgreSQL', () => {
    // access_checks.purpose is varchar(64) and legal_basis varchar(32): the access-check schema
    // lets longer text through to the taxonomy lookup, so only the codes' own lengths keep a
    // stored check within its columns (SQLite ignores the width; PostgreSQL refuses the row).
    for (const purpose of DEFAULT_TAXONOMY.purposes)
      expect(purpose.code.length).toBeLessThanOrEqual(64);
    for (const basis of DEFAULT_TAXONOMY.legalBases)
      expect(basis.code.length).toBeLessThanOrEqual(32);
  });

  it('keeps special categories, location and telematics in the country', () => {
    const staying = DEFAULT_TAXONOMY.categories.filter((c) => c.staysInCountry).map((c) => c.code);
    expect(staying.sort()).toEqual([
      'biometric',
      'criminal',
      'genetic',
      'health',
      'location',
      'telematics',
    ]);
  });

  it('ships the eight legal bases; law, court order, public task and regime need a reference', () => {
    expect(DEFAULT_TAXONOMY.legalBases.map((b) => b.code)).toEqual([
      'consent',
      'law',
      'contract',
      'vital-interest',
      'court-order',
      'public-task',
      'statistics-depersonalised',
      'regime',
    ]);
    expect(
      DEFAULT_TAXONOMY.legalBases.filter((b) => b.requiresReference).map((b) => b.code),
    ).toEqual(['law', 'court-order', 'public-task', 'regime']);
  });

  it('every purpose is hierarchical and refers only to known categories and bases', () => {
    const codes = new Set<string>();
    for (const purpose of DEFAULT_TAXONOMY.purposes) {
      expect(purpose.code).toMatch(/^[a-z]+(-[a-z]+)*(\.[a-z]+(-[a-z]+)*)?$/);
      expect(codes.has(purpose.code)).toBe(false);
      codes.add(purpose.code);
      expect(index.requireCategories(purpose.categories, 'categories')).toEqual(purpose.categories);
      for (const basis of purpose.legalBases) expect(index.legalBasis(basis)).toBeDefined();
      expect(purpose.categories.length).toBeGreaterThan(0);
      expect(purpose.legalBases.length).toBeGreaterThan(0);
    }
    expect(index.purpose('marketing')?.legalBases).toEqual(['consent']);
    expect(index.purpose('finance.credit-scoring')?.legalBases).toEqual(['consent']);
  });

  it('labels everything a person sees in Kazakh, Russian and English', () => {
    const all = [
      ...DEFAULT_TAXONOMY.categories,
      ...DEFAULT_TAXONOMY.legalBases,
      ...DEFAULT_TAXONOMY.purposes,
    ];
    for (const item of all) {
      expect(item.labels.en).toMatch(/^[A-Z]/);
      expect(item.labels.ru).toMatch(/^[А-ЯЁ]/);
      expect(item.labels.kk).toMatch(/^[А-ЯЁӘҒҚҢӨҰҮҺІ]/);
    }
  });

  it('knows the 249 ISO 3166-1 alpha-2 countries, and every adequate one is among them', () => {
    expect(ISO_COUNTRIES.size).toBe(249);
    for (const code of DEFAULT_TAXONOMY.adequateCountries)
      expect(ISO_COUNTRIES.has(code)).toBe(true);
    expect(index.isAdequate('DE')).toBe(true);
    expect(index.isAdequate('CN')).toBe(false);
    expect(countryName('KZ', 'ru')).toBe('Казахстан');
    expect(countryName('DE', 'en')).toBe('Germany');
  });
});

describe('taxonomy validators name the field and the unknown code', () => {
  it('categories', () => {
    expect(() => index.requireCategories(['health', 'dna', 'mood'], 'dataCategories')).toThrow(
      "dataCategories: unknown data categories 'dna', 'mood'",
    );
  });
  it('purposes', () => {
    expect(() => index.requirePurposes(['marketing', 'spying'], 'purposes')).toThrow(
      "purposes: unknown purpose 'spying'",
    );
  });
  it('legal basis', () => {
    expect(() => index.requireLegalBasis('because', 'legalBasis')).toThrow(
      "legalBasis: unknown legal basis 'because'",
    );
  });
  it('countries', () => {
    expect(index.requireCountry('KZ', 'country')).toBe('KZ');
    expect(() => index.requireCountry('XX', 'hosting.country')).toThrow(
      "hosting.country: 'XX' is not an ISO 3166-1 alpha-2 country code",
    );
    expect(() => index.requireCountry('kz', 'hosting.country')).toThrow('not an ISO 3166-1');
  });
});

describe('taxonomy validators: the coded error a client acts on', () => {
  /** The DomainError `run` throws (fails the test if it throws nothing or something else). */
  function refusal(run: () => unknown): DomainError {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      return error as DomainError;
    }
    throw new Error('expected a refusal');
  }

  it('accepts known codes and returns them as given', () => {
    expect(index.requireCategories(['health', 'identity'], 'dataCategories')).toEqual([
      'health',
      'identity',
    ]);
    expect(index.requireCategories([], 'dataCategories')).toEqual([]);
    const purposes = ['marketing'];
    const accepted = index.requirePurposes(purposes, 'purposes');
    expect(accepted).toEqual(['marketing']);
    // A copy: the caller's array is not handed back to be mutated later.
    expect(accepted).not.toBe(purposes);
    expect(index.requirePurposes([], 'purposes')).toEqual([]);
    expect(index.requireLegalBasis('consent', 'legalBasis')).toBe('consent');
  });

  it('unknown categories: code, field, the unknown codes, singular and plural', () => {
    const one = refusal(() => index.requireCategories(['health', 'dna'], 'dataCategories'));
    expect(one.code).toBe('core.unknown_category');
    expect(one.detail).toBe("dataCategories: unknown data category 'dna'");
    expect(one.extensions).toEqual({ field: 'dataCategories', unknown: ['dna'] });
    const two = refusal(() => index.requireCategories(['dna', 'mood'], 'dataCategories'));
    expect(two.detail).toBe("dataCategories: unknown data categories 'dna', 'mood'");
    expect(two.extensions).toEqual({ field: 'dataCategories', unknown: ['dna', 'mood'] });
  });

  it('unknown purposes: code, field, the unknown codes, singular and plural', () => {
    const one = refusal(() => index.requirePurposes(['spying'], 'purposes'));
    expect(one.code).toBe('core.unknown_purpose');
    expect(one.detail).toBe("purposes: unknown purpose 'spying'");
    expect(one.extensions).toEqual({ field: 'purposes', unknown: ['spying'] });
    const two = refusal(() => index.requirePurposes(['spying', 'marketing', 'resale'], 'p'));
    expect(two.detail).toBe("p: unknown purposes 'spying', 'resale'");
    expect(two.extensions).toEqual({ field: 'p', unknown: ['spying', 'resale'] });
  });

  it('an unknown legal basis or country: code and field', () => {
    const basis = refusal(() => index.requireLegalBasis('because', 'legalBasis'));
    expect(basis.code).toBe('core.unknown_legal_basis');
    expect(basis.extensions).toEqual({ field: 'legalBasis' });
    const country = refusal(() => index.requireCountry('XX', 'hosting.country'));
    expect(country.code).toBe('core.unknown_country');
    expect(country.extensions).toEqual({ field: 'hosting.country' });
  });
});
