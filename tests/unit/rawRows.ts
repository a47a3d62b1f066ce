// Reading a database as it is on disk: every row of every store through the bare IndexedDB API
// (no Dexie, no middleware), and a search of a text anywhere in structured-cloned rows.

/** Every row of every store, read with the bare IndexedDB API (no Dexie, no middleware). */
export async function rawRows(name: string): Promise<Record<string, unknown[]>> {
  const idb = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const out: Record<string, unknown[]> = {};
  const stores = [...idb.objectStoreNames];
  const tx = idb.transaction(stores, 'readonly');
  await Promise.all(
    stores.map(
      (s) =>
        new Promise<void>((resolve) => {
          const r = tx.objectStore(s).getAll();
          r.onsuccess = () => {
            out[s] = r.result;
            resolve();
          };
        }),
    ),
  );
  idb.close();
  return out;
}

/** Whether `needle` appears in a structured-cloned value (strings, nested objects, binary as UTF-8). */
export function holds(value: unknown, needle: string): boolean {
  if (typeof value === 'string') return value.includes(needle);
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return new TextDecoder().decode(bytes).includes(needle);
  }
  if (value && typeof value === 'object') return Object.values(value).some((v) => holds(v, needle));
  return false;
}
