/* API handlers for the house rules (grundbudskap): the organisation's
 * template, the text each account should show, and the about text (or
 * pinned post) the account shows today. */
#ifndef KV_HTTP_API_HOUSE_H
#define KV_HTTP_API_HOUSE_H

struct api_req;

int api_house_template(struct api_req *r);
int api_house_template_load(struct api_req *r);
int api_house_rules(struct api_req *r);
int api_house_about(struct api_req *r);
int api_house_about_set(struct api_req *r);

#endif
