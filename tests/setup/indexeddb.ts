// A fresh in-memory IndexedDB for every test file (fake-indexeddb: unit and component tests only).
import 'fake-indexeddb/auto';
