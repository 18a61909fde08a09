import { storeContract } from './local-store.contract';
import { FakeStore } from './testing/fake-store';

storeContract('fake', () => {
  const store = new FakeStore();
  return { store, acknowledge: async () => store.acknowledge() };
});
