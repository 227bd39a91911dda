#!/usr/bin/env python3
"""The latency baseline: a client that does nothing but print
{"event_id":"N"} for every id it reads, at once. Run through the same proxy
as rtwatch, it shows what the measurement itself adds (proxy hop, Python
reaction time, scheduling on a shared machine).
usage: null_client.py API_URL   (RTWATCH_CLIENT_SECRET, RTWATCH_CLIENT_ID)
"""
import http.client,sys,os,re,urllib.parse,json,base64
u=urllib.parse.urlsplit(sys.argv[1]); c=http.client.HTTPConnection(u.hostname,u.port)
c.request("POST","/oauth/token","grant_type=client_credentials",{"Authorization":"Basic "+base64.b64encode((os.environ.get("RTWATCH_CLIENT_ID", "rtwatch") + ":" + os.environ.get("RTWATCH_CLIENT_SECRET", "rtwatch-secret")).encode()).decode(),"Content-Type":"application/x-www-form-urlencoded"})
t=json.loads(c.getresponse().read())["access_token"]
c.request("GET","/api/v2/realtime/data",headers={"Authorization":"Bearer "+t}); r=c.getresponse()
while True:
    d=r.read1(65536)
    if not d: break
    out=b"".join(b'{"event_id":"%s"}\n'%m for m in re.findall(rb"\nid: (\d+)",d))
    if out: os.write(1,out)
