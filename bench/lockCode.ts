// The lock code of the bench's seeded database (shared by the page and the Node driver).
export const BENCH_LOCK_CODE = '246813';
