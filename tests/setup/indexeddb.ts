// A fresh in-memory IndexedDB for every test file (fake-indexeddb: unit and component tests only),
// and an unlocked app: a data key in memory, so personal values are sealed at rest as on a tablet.
import 'fake-indexeddb/auto';
import { newDataKey } from '../../src/crypto/cipher';
import { setDataKey } from '../../src/crypto/keySession';

setDataKey(await newDataKey());
