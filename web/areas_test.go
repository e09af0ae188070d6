package web

import (
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/api/commonsapi"
	"github.com/meent/meent/api/valueapi"
)

// withAreas registers the pages and the API areas whose routes the tests
// use to set up and check what the pages show.
var withAreas = apitest.Registers(commonsapi.Register, valueapi.Register, Register)
