/* API handlers for the records an archivist keeps: legal and case holds,
 * and the culling runs with their gallringsprotokoll. Culling itself and
 * e-archive packages are run at the server (`kanalvakt cull`, `archive sip`):
 * they write large files and run long. */
#ifndef KV_HTTP_API_RECORDS_H
#define KV_HTTP_API_RECORDS_H

struct api_req;

int api_records_holds(struct api_req *r);
int api_records_hold_add(struct api_req *r);
int api_records_hold_show(struct api_req *r);
int api_records_hold_release(struct api_req *r);
int api_records_culls(struct api_req *r);
int api_records_cull_show(struct api_req *r);

#endif
