import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';
import { silenceUpstreamConsoleNoise } from '@maas-portal/harness/upstreamConsoleNoise';

// What MUI v4, material-table, React Router and Backstage's test apps print is silenced in one
// place, each with its reason; anything else prints.
silenceUpstreamConsoleNoise();

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

// For the same reason a `findBy…` or `waitFor` gets 10 s instead of testing-library's 1 s: under the
// full suite a table re-render after a click has taken longer than 1 s (ApprovalQueue failed so).
configure({ asyncUtilTimeout: 10_000 });
