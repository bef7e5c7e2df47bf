window.YTD.deleted_tweets.part0 = [
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : {
        "hashtags" : [ ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "id_str" : "2019350283678650983",
      "id" : "2019350283678650983",
      "created_at" : "Thu Feb 05 10:00:00 +0000 2026",
      "full_text" : "Fel datum för öppet hus, rättelse följer.",
      "deleted_at" : "Thu Feb 05 10:05:00 +0000 2026",
      "lang" : "sv"
    }
  }
]
