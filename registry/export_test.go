package registry

// CatalogAdvice is catalogAdvice, for the external tests.
var CatalogAdvice = catalogAdvice
