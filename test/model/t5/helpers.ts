// Shared by the T5 helper tests: the demo T5, loaded once per test file.
import { after, before } from "node:test";
import { loadT5Model, type T5Model } from "../../../src/model/t5";

/** Loads the offline demo T5 before the file's tests and disposes of it after; read `.current` inside tests. */
export function useDemoT5(): { current: T5Model } {
  const holder = {} as { current: T5Model };
  before(async () => {
    holder.current = await loadT5Model({ env: { WORKBOOK_MODEL: "offline" } });
  });
  after(async () => {
    await holder.current?.model.dispose();
  });
  return holder;
}
