package sqlexpr

// Render compiles without any cache, for tests that compare the cached
// path with the direct one.
var Render = render
