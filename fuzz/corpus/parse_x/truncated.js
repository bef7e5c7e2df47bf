window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "edit" : {
          "initialTweetId" : "2018232921093050983",
          "editControlInitial" : {
            "editTweetIds" : [
              "2018232921093050983",
              "2018234305213370983",
              "2018237996200890983"
            ],
            "editableUntil" : "2026-02-02T09:00:00.000Z",
            "editsRemaining" : "3",
            "isEditEligible" : true
          }
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [ ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "58"
      ],
      "favorite_count" : "4",
      "id_str" : "2018237996200890983",
      "truncate