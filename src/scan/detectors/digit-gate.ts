/**
 * Which runs of three or more digits any digit-run detector can use, decided from the run's
 * length and the few bytes around it before any detector is called. Chat text is full of runs no
 * detector wants — years after a date's dot, times, amounts, «8(7272)» — and calling the six
 * detectors on each (780 000 runs per 200 MB of the benchmark's text) cost ~100 ms; four in five
 * runs fail this test.
 *
 * Each clause is the first thing a detector checks, so the test lets through every run that any
 * detector would act on (a superset: the detectors check again). When a detector's first check
 * changes, its clause here must too; the property test in `kernel/one-pass.test.ts` compares the
 * engine with a reference that calls every detector on every run.
 */
export function mayHoldIdentifier(text: string, start: number, end: number): boolean {
  const length = end - start;
  // IIN / BIN (`national-id.ts`): twelve digits. Cards (`card.ts`): 13–19.
  if (length >= 12 && length <= 19) return true;
  const after = text.charCodeAt(end);
  const before = text.charCodeAt(start - 1); // NaN at the start: every comparison is false
  const capitalBefore = before >= 65 && before <= 90;
  // VINs (`vehicle.ts`) end in four or more digits after a capital; IBANs (`iban.ts`) have a
  // capital before their digits, or a space after a capital or digit group.
  if (capitalBefore) return true;
  if (before === 32) {
    const c = text.charCodeAt(start - 2);
    if ((c >= 65 && c <= 90) || (c >= 48 && c <= 57)) return true;
  }
  switch (length) {
    case 3: // plates (`vehicle.ts`): a series letter (Latin, Cyrillic D0 …) after at most a space
      if (after === 32 || (after >= 65 && after <= 90) || after === 0xd0) return true;
      break;
    case 4: {
      // The first group of a printed card (`card.ts`): a space or dash, then a digit (which is
      // not what follows the year of a date).
      const next = text.charCodeAt(end + 1);
      if ((after === 32 || after === 45) && next >= 48 && next <= 57) return true;
      break;
    }
    case 8: // passports (`documents.ts`): Latin N or Cyrillic Н (D0 9D) before
      if (before === 0x4e || before === 0x9d) return true;
      break;
    case 9: // ID cards (`documents.ts`)
      return true;
  }
  // Phones (`phone.ts`): a run starting `87…` (the prefix glued to the operator code), or `7`
  // then the operator code's second digit (0, 4, 6, 7, 8; `77…` also covers «+77…»).
  const first = text.charCodeAt(start);
  const second = text.charCodeAt(start + 1);
  if (first === 56) return second === 55;
  return (
    first === 55 &&
    (second === 48 || second === 52 || second === 54 || second === 55 || second === 56)
  );
}
