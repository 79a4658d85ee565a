/**
 * Text as systems in Kazakhstan save it in the Kazakh code pages KZ-1048 and PT154, for tests
 * (neither Node nor the browser has an encoder for either), written from iconv-lite's reading of
 * each byte rather than from the page's own tables: ASCII as itself, every other character at the
 * byte iconv-lite reads as it. A character the code page lacks throws rather than encode wrongly.
 */
import iconv from 'iconv-lite';

function encoder(name: 'rk1048' | 'pt154', shown: string) {
  const all = iconv.decode(
    Uint8Array.from({ length: 256 }, (_, byte) => byte),
    name,
  );
  const byteOf = new Map([...all].map((c, byte) => [c, byte]));
  return (text: string): Uint8Array<ArrayBuffer> =>
    Uint8Array.from([...text], (c) => {
      const byte = byteOf.get(c);
      if (byte === undefined) throw new Error(`${c} is not in ${shown}`);
      return byte;
    });
}

export const kz1048 = encoder('rk1048', 'KZ-1048');
export const pt154 = encoder('pt154', 'PT154');
