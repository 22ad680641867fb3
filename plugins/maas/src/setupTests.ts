import '@testing-library/jest-dom';

// recharts' ResponsiveContainer measures its parent with ResizeObserver, which jsdom lacks.
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
(globalThis as any).ResizeObserver ??= ResizeObserverStub;

// The dialog and table flows click and type through MUI and material-table: alone they take up
// to 4 s, beyond jest's default 5 s when the whole suite shares a busy machine.
jest.setTimeout(15_000);
