// Vite turns CSS imports into emitted stylesheet files (CSP: style-src 'self').
declare module '*.css';
