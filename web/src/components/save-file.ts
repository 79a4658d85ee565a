/**
 * Hands `text` to the browser as a file named `name` to save (a receipt, a record): through a
 * link to an object URL, released once the browser has taken it.
 */
export function saveFile(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
