/* API handlers for the records an archivist keeps: the retention plan,
 * legal and case holds, the culling runs with their gallringsprotokoll (local
 * and on the platform), the snapshot and disclosure registers and the
 * delivered e-archive packages, all read-only but the holds. Culling itself and
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
int api_records_retention(struct api_req *r);
int api_records_snapshots(struct api_req *r);
int api_records_disclosures(struct api_req *r);
int api_records_packages(struct api_req *r);
int api_records_platculls(struct api_req *r);
int api_records_platcull_show(struct api_req *r);

#endif
