import { createMemoryMetricStore } from './metric-store-memory.js';
import { metricStoreContract } from './metric-store.contract.js';

metricStoreContract('memory', async (options) => ({ store: createMemoryMetricStore(options), cleanup: async () => undefined }), { persistent: false });
