/* API handlers for the policy documents (social-media policy, guidelines):
 * the list with review dates, adding one, recording a review, retiring one
 * and naming the document an account follows. */
#ifndef KV_HTTP_API_POLICYDOC_H
#define KV_HTTP_API_POLICYDOC_H

struct api_req;

int api_policydoc_list(struct api_req *r);
int api_policydoc_add(struct api_req *r);
int api_policydoc_show(struct api_req *r);
int api_policydoc_review(struct api_req *r);
int api_policydoc_retire(struct api_req *r);
int api_policydoc_apply(struct api_req *r);

#endif
