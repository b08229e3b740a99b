PP_SEARCH.meta({"version":2,"pages":7,"shards":1,"group":2,"names_run":32,"word_max":32});
