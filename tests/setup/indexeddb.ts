// A fresh in-memory IndexedDB for every test file (fake-indexeddb: unit and component tests only),
// and the tablet unlocked: a random data key in memory, as after the lock screen (tests of the
// lock itself drop it with setDataKey(null)).
import 'fake-indexeddb/auto';
import { newDataKey } from '../../src/crypto/cipher';
import { setDataKey } from '../../src/crypto/keySession';

setDataKey(await newDataKey());
