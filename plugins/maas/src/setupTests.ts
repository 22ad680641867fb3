import '@testing-library/jest-dom';

// recharts' ResponsiveContainer measures its parent with ResizeObserver, which jsdom lacks.
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
(globalThis as any).ResizeObserver ??= ResizeObserverStub;

// The dialog and table flows click and type through MUI and material-table: alone they take up
// to 4 s, and 20 s or more when the whole suite shares two busy cores with the harness.
jest.setTimeout(45_000);
