PP_SEARCH.names(["page"],[
""],
"0000\tExample Progress\n0000report/\tFirst report");
