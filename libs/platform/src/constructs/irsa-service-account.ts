import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';

export interface IrsaServiceAccountProps {
  /** `metadata.name`; also what the workload's `serviceAccountName` says. */
  readonly name: string;
  /** IAM role the pods assume through IAM Roles for Service Accounts. */
  readonly roleArn: string;
}

/** A ServiceAccount bound to an IAM role (IRSA); no API token is mounted by default. */
export class IrsaServiceAccount extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: IrsaServiceAccountProps) {
    super(scope, id);
    this.name = props.name;
    new kplus.ServiceAccount(this, 'Resource', {
      metadata: { name: props.name, annotations: { 'eks.amazonaws.com/role-arn': props.roleArn } },
      automountToken: false,
    });
  }
}
