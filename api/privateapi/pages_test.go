package privateapi

import (
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/api/commonsapi"
	"github.com/meent/meent/api/valueapi"
	"github.com/meent/meent/web"
	"github.com/meent/meent/web/commonsweb"
	"github.com/meent/meent/web/licenseweb"
	"github.com/meent/meent/web/valueweb"
)

// withPages registers this area, the commons and value APIs the tests set
// up and check with, and the pages, which the tests read too (the payouts page and its settle form).
var withPages = apitest.Registers(commonsapi.Register, valueapi.Register, Register,
	web.Register, commonsweb.Register, licenseweb.Register, valueweb.Register)
